<?php
if ($_GET['debug'] ?? false) {
    // ruleid: php-phpinfo-call
    phpinfo();
}
// ok: php-phpinfo-call
echo phpversion();
