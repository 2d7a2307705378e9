import os

DEBUG = False
# A fake classic GitHub token with a valid checksum, planted for the demo.
GITHUB_TOKEN = "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"

# Read from the environment: not a finding.
DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]

# A documented placeholder: not a finding.
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
