<?php
$ch = curl_init('https://api.example.com');
// ruleid: php-tls-verify-disabled
curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
// ok: php-tls-verify-disabled
curl_setopt($ch, CURLOPT_CAINFO, '/etc/ssl/internal-ca.pem');
