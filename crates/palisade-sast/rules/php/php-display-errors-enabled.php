<?php
// ruleid: php-display-errors-enabled
ini_set('display_errors', '1');
// ok: php-display-errors-enabled
ini_set('log_errors', '1');
