<?php
// ruleid: php-hardcoded-password
$a = new PDO('mysql:host=db;dbname=app', 'app', 'Winter2024!');
// ok: php-hardcoded-password
$b = new PDO('mysql:host=db;dbname=app', 'app', getenv('DB_PASSWORD'));
