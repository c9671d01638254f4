from tests.api.test_access_matrix import world  # noqa: F401  (the same world of records)
