<?php
session_start();
// ruleid: php-session-from-request
$_SESSION['role'] = $_POST['role'];
// ok: php-session-from-request
$_SESSION['lang'] = in_array($lang, ['en', 'fr'], true) ? $lang : 'en';
