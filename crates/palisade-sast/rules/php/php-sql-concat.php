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

function search_orders(mysqli $db) {
    // ruleid: php-sql-concat
    $res = $db->query("SELECT id, total FROM orders WHERE status = '" . $_GET['status'] . "' ORDER BY id");
    // ruleid: php-sql-concat
    $pdo_res = mysqli_query($db, sprintf("DELETE FROM carts WHERE session = '%s'", $_COOKIE['cart']));
    // ok: php-sql-concat
    $all = mysqli_query($db, "SELECT id, total FROM orders ORDER BY id DESC LIMIT 50");
    return [$res, $pdo_res, $all];
}

function count_items(PDO $pdo, int $cartId) {
    // ok: php-sql-concat
    $st = $pdo->prepare('SELECT COUNT(*) FROM items WHERE cart_id = :cart');
    $st->execute(['cart' => $cartId]);
    return $st->fetchColumn();
}
