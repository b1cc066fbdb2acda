from django.http import HttpResponse


def start(request):
    return HttpResponse("")


search = municipality = namnd = meeting = paragraf = start
