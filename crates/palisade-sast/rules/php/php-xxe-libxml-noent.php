<?php
function parse(string $xml) {
    $doc = new DOMDocument();
    // ruleid: php-xxe-libxml-noent
    $doc->loadXML($xml, LIBXML_NOENT | LIBXML_NONET);
    // ok: php-xxe-libxml-noent
    $doc->loadXML($xml, LIBXML_NONET);
    return $doc;
}
