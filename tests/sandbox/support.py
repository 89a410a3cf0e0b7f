"""Constants shared by the sandbox tests."""

LIST = "/v2/cargos/views"
# What the real client always sends with a list call.
BASE_PARAMS = {"include": "contacts", "filter[mode]": "all", "filter[user_id]": "0"}
