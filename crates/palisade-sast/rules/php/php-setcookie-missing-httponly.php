<?php
// ruleid: php-setcookie-missing-httponly
setcookie('sid', $sid, time() + 3600, '/', '', true);
// ok: php-setcookie-missing-httponly
setcookie('sid', $sid, time() + 3600, '/', '', true, true);
