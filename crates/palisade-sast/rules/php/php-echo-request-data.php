<?php
// ruleid: php-echo-request-data
echo "<h1>Hello " . $_GET['name'] . "</h1>";
// ok: php-echo-request-data
echo "<h1>Hello " . htmlspecialchars($_GET['name'], ENT_QUOTES, 'UTF-8') . "</h1>";
