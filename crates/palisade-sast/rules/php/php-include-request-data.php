<?php
// ruleid: php-include-request-data
include "pages/" . $_GET['page'] . ".php";

$pages = ['home' => 'pages/home.php', 'about' => 'pages/about.php'];
$page = $_GET['page'] ?? 'home';
// ok: php-include-request-data
include $pages[$page] ?? 'pages/home.php';

// ruleid: php-include-request-data
require_once __DIR__ . '/lang/' . $_COOKIE['lang'] . '.php';

// ok: php-include-request-data
require_once __DIR__ . '/vendor/autoload.php';
