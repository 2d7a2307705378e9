<?php
function ping(string $host) {
    // ruleid: php-shell-exec-non-literal
    system("ping -c 1 " . $host);
    // ok: php-shell-exec-non-literal
    system("ping -c 1 " . escapeshellarg($host));
    // ok: php-shell-exec-non-literal
    system("uptime");
}
