<?php
function fp(string $data) {
    // ruleid: php-weak-hash-sha1
    $a = sha1($data);
    // ok: php-weak-hash-sha1
    $b = hash('sha256', $data);
    return [$a, $b];
}
