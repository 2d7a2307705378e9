<?php
function restore(string $blob) {
    // ruleid: php-unserialize
    $a = unserialize($blob);
    // ok: php-unserialize
    $b = json_decode($blob, true);
    // ok: php-unserialize
    $c = unserialize($blob, ['allowed_classes' => false]);
    return [$a, $b, $c];
}
