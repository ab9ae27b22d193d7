"""CSV downloads of the tables on the pages: the same rows the query layer returned."""

from __future__ import annotations

from flask import Response

from portal.csv_export import csv_text


def csv_response(rows: list[dict], filename: str, columns: list[str] | None = None) -> Response:
    columns = columns or (list(rows[0]) if rows else [])
    return Response(
        csv_text(rows, columns),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
