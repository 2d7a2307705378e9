<?php
// ruleid: php-include-request-data
include "pages/" . $_GET['page'] . ".php";
$pages = ['home' => 'pages/home.php', 'about' => 'pages/about.php'];
// ok: php-include-request-data
include $pages[$page] ?? 'pages/home.php';
