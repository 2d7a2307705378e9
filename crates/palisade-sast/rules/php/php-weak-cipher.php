<?php
function enc(string $data, string $key, string $iv) {
    // ruleid: php-weak-cipher
    $a = openssl_encrypt($data, 'des-ede3-cbc', $key, 0, $iv);
    // ruleid: php-weak-cipher
    $b = openssl_encrypt($data, 'aes-128-ecb', $key);
    // ok: php-weak-cipher
    $c = openssl_encrypt($data, 'aes-256-gcm', $key, 0, $iv, $tag);
    return [$a, $b, $c];
}
