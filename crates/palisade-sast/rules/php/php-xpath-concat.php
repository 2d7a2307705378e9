<?php
function find_user(DOMXPath $xp, string $name) {
    // ruleid: php-xpath-concat
    $a = $xp->query("//user[@name='" . $name . "']");
    // ok: php-xpath-concat
    $b = $xp->query("//user[@active='1']");
    return [$a, $b];
}
