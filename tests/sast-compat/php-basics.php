<?php
// ruleid: php-exec
shell_exec($cmd);
// ok: php-exec
escapeshellarg($cmd);
// ruleid: php-query
mysqli_query($conn, "SELECT * FROM u WHERE id=" . $_GET['id']);
// ok: php-query
mysqli_query($conn, "SELECT 1");
