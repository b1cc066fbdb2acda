"""Server-drawn charts: well-formed SVG that says its numbers (no database)."""

import xml.etree.ElementTree as ET

from decisions.charts import bars

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(
        markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def test_it_draws_a_bar_per_year_and_names_every_value():
    svg = parse(
        bars({2019: 2, 2021: 4}, title="Reservationer av L", unit="Reservationer")
    )
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Reservationer av L"
    assert (
        svg.find(f"{SVG}desc").text
        == "Reservationer per år: 2019: 2, 2020: 0, 2021: 4."
    )
    heights = [float(r.get("height")) for r in svg.iter(f"{SVG}rect")]
    assert len(heights) == 3  # 2020 is drawn, as nothing
    assert heights[1] == 0 and heights[2] == 2 * heights[0]
    values = [
        t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart__value"
    ]
    assert values == ["2", "4"]


def test_it_escapes_the_title_and_draws_nothing_for_no_data():
    svg = parse(bars({2020: 1}, title="<script>", unit="Förslag"))
    assert svg.find(f"{SVG}title").text == "<script>"
    assert bars({}, title="x", unit="y") == ""
