<?php
use Firebase\JWT\JWT;

// ruleid: php-hardcoded-jwt-key
$a = JWT::encode(['sub' => $id], 'my-super-secret', 'HS256');
// ok: php-hardcoded-jwt-key
$b = JWT::encode(['sub' => $id], getenv('JWT_SECRET'), 'HS256');
