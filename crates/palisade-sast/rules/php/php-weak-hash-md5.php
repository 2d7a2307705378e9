<?php
function fp(string $data) {
    // ruleid: php-weak-hash-md5
    $a = md5($data);
    // ok: php-weak-hash-md5
    $b = hash('sha256', $data);
    return [$a, $b];
}
