<?php
session_start();
// ruleid: php-session-from-request
$_SESSION['role'] = $_POST['role'];
$lang = $_GET['lang'] ?? 'en';
// ok: php-session-from-request
$_SESSION['lang'] = in_array($lang, ['en', 'fr'], true) ? $lang : 'en';
// ruleid: php-session-from-request
$_SESSION['return_to'] = 'https://shop.example' . $_GET['next'];
// ok: php-session-from-request
$_SESSION['user_id'] = $user->id;

class CartController
{
    public function select(Request $request)
    {
        // ruleid: php-session-from-request
        $_SESSION['discount'] = $request->input('discount');
        // ok: php-session-from-request
        $_SESSION['cart_id'] = bin2hex(random_bytes(16));
    }
}
