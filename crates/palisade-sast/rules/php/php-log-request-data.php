<?php
// ruleid: php-log-request-data
error_log("login failed for " . $_POST['user']);
// ok: php-log-request-data
error_log("login failed for " . json_encode($_POST['user']));
