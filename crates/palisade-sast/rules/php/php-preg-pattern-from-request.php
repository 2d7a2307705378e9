<?php
// ruleid: php-preg-pattern-from-request
$hit = preg_match("/" . $_GET['q'] . "/i", $text);
// ok: php-preg-pattern-from-request
$hit2 = preg_match("/" . preg_quote($_GET['q'], "/") . "/i", $text);
