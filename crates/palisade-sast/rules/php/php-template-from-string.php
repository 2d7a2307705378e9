<?php
function greet(\Twig\Environment $twig, string $name) {
    // ruleid: php-template-from-string
    $t = $twig->createTemplate("Hello " . $name);
    // ok: php-template-from-string
    $u = $twig->createTemplate("Hello {{ name }}");
    return $u->render(['name' => $name]) . $t->render([]);
}
