import logging
from flask import request
log = logging.getLogger(__name__)

def login():
    # ruleid: python-log-request-data
    log.info("login attempt for " + request.form["user"])
    # ok: python-log-request-data
    log.info("login attempt for %r", request.form["user"])
