<?php
// ruleid: php-setcookie-missing-secure
setcookie('sid', $sid, ['httponly' => true, 'samesite' => 'Lax']);
// ok: php-setcookie-missing-secure
setcookie('sid', $sid, ['secure' => true, 'httponly' => true, 'samesite' => 'Lax']);
