<?php
function download() {
    // ruleid: php-path-traversal-request
    readfile("/srv/files/" . $_GET['name']);
}
function download_safe() {
    $name = basename($_GET['name'] ?? '');
    // ok: php-path-traversal-request
    readfile("/srv/files/" . $name);
}
