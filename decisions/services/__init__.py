"""Every write to the archive, one module per action.

Admin, management commands and the API call these; nothing else writes.
- ingest: a protocol file into the archive (and the rows it holds)
- reparse: a stored meeting's text read again by the parser
- publishing: a clerk's draft from upload to published minutes
- corrections: a clerk's edits in the admin, kept through later re-reads
- versions: an earlier public record kept when a paragraph changes, with its cause
- withdrawal: paragraphs taken down (återkallelse) and deletions
- rename: a board or municipality takes a new name from a day
- dump: the archive download written to disk (by the task queue's worker,
  decisions.tasks, after each of the writes above)
"""
