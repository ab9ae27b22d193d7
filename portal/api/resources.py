"""The developer API's route table: each resource's routes (a declarative table over named query
functions, see portal/api/routes.py) in the order the OpenAPI document and docs page list them."""

from __future__ import annotations

from portal.api import figures, organisations, practices, saved_groups
from portal.api.routes import Route

ROUTES: list[Route] = [
    *practices.ROUTES,
    *organisations.ROUTES,
    *figures.ROUTES,
    *saved_groups.ROUTES,  # /groups: the key owner's saved groups
]
