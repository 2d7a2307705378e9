<?php
function after_login() {
    // ruleid: php-open-redirect
    header("Location: " . $_GET['next']);
    // ok: php-open-redirect
    header("Location: /dashboard");
}
