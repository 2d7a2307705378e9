<?php
use Firebase\JWT\JWT;
use Firebase\JWT\Key;

function claims(string $jwt, string $key) {
    // ruleid: php-jwt-unverified
    $a = json_decode(base64_decode(explode('.', $jwt)[1]), true);
    // ok: php-jwt-unverified
    $b = JWT::decode($jwt, new Key($key, 'HS256'));
    return [$a, $b];
}
