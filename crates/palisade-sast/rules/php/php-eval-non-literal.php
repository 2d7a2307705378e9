<?php
function calc(string $expr) {
    // ruleid: php-eval-non-literal
    eval('$result = ' . $expr . ';');
    // ok: php-eval-non-literal
    $result = json_decode($expr, true);
    return $result;
}
