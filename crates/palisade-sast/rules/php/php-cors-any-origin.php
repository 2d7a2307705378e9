<?php
// ruleid: php-cors-any-origin
header("Access-Control-Allow-Origin: *");
// ok: php-cors-any-origin
header("Access-Control-Allow-Origin: https://app.example.com");
