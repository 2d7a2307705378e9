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

function show_log() {
    // ruleid: php-path-traversal-request
    $handle = fopen(__DIR__ . '/logs/' . $_REQUEST['log'], 'r');
    // ok: php-path-traversal-request
    $own = fopen(__DIR__ . '/logs/app.log', 'r');
    return [$handle, $own];
}

function save_upload() {
    // ruleid: php-path-traversal-request
    move_uploaded_file($_FILES['doc']['tmp_name'], '/srv/uploads/' . $_FILES['doc']['name']);
    // ok: php-path-traversal-request
    move_uploaded_file($_FILES['doc']['tmp_name'], '/srv/uploads/' . basename($_FILES['doc']['name']));
}

class ReportController
{
    public function show(Request $request)
    {
        // ruleid: php-path-traversal-request
        return file_get_contents(storage_path('reports/' . $request->input('file')));
    }
}
