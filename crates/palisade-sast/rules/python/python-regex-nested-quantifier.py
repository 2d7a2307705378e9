import re

# ruleid: python-regex-nested-quantifier
EMAIL = re.compile("^([a-zA-Z0-9]+)*@example\\.com$")
# ok: python-regex-nested-quantifier
EMAIL2 = re.compile("^[a-zA-Z0-9]+@example\\.com$")
