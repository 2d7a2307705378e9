<?php
// ruleid: php-insecure-random-secret
$resetToken = md5(uniqid((string) mt_rand(), true));
// ok: php-insecure-random-secret
$resetToken2 = bin2hex(random_bytes(32));
// ok: php-insecure-random-secret
$delay = mt_rand(1, 100);
