<?php
function find_user(mysqli $db, PDO $pdo, string $name) {
    // ruleid: php-sql-concat
    $r = mysqli_query($db, "SELECT * FROM users WHERE name = '" . $name . "'");
    // ruleid: php-sql-concat
    $pdo->query("SELECT * FROM users WHERE name = '$name'");
    // ok: php-sql-concat
    $st = $pdo->prepare("SELECT * FROM users WHERE name = ?");
    $st->execute([$name]);
    return $r;
}
