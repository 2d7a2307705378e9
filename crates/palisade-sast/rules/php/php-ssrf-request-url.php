<?php
function preview() {
    // ruleid: php-ssrf-request-url
    $ch = curl_init($_GET['url']);
    // ok: php-ssrf-request-url
    $ch2 = curl_init("https://api.weather.example/v1?city=" . urlencode($_GET['city']));
    return [$ch, $ch2];
}
