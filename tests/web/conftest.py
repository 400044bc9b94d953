"""Which access-matrix cases run on PostgreSQL.

The whole matrix (every endpoint × every role) runs on SQLite. On PostgreSQL it runs for the
two roles whose refusals depend on the database's queries: club A's coordinator asking for
club B's objects, and a member login asking for someone else's. The other roles' outcomes
there (anonymous visitors are redirected before any query; admins and club B's coordinator
are let through) are proven on PostgreSQL by the feature tests and by the form and query
fuzzing of every endpoint. This keeps 320 app builds, about three minutes, out of CI.
"""

POSTGRESQL_ROLES = ("coordinator_a", "member_user")


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if (item.originalname == "test_access" and item.module.__name__.endswith(
                "test_access_matrix") and callspec is not None
                and callspec.params.get("database_url") == "postgresql"
                and callspec.params.get("role") not in POSTGRESQL_ROLES):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
