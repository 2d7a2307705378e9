<?php
// ruleid: php-named-argument
setcookie("sid", $v, httponly: true, secure: false);
// ruleid: php-named-argument
setcookie("sid", $v, secure: false);
// ok: php-named-argument
setcookie("sid", $v, secure: true, httponly: true);
