<?php
function lookup($conn, string $user) {
    // ruleid: php-ldap-search-concat
    $a = ldap_search($conn, "dc=example,dc=com", "(uid=" . $user . ")");
    // ok: php-ldap-search-concat
    $b = ldap_search($conn, "dc=example,dc=com", "(uid=" . ldap_escape($user, "", LDAP_ESCAPE_FILTER) . ")");
    return [$a, $b];
}
