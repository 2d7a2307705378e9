export class CommentComponent {
  constructor(private sanitizer: DomSanitizer) {}
  render(body: string) {
    // ruleid: typescript-angular-bypass-security-trust
    const a = this.sanitizer.bypassSecurityTrustHtml(body);
    // ok: typescript-angular-bypass-security-trust
    const b = this.sanitizer.sanitize(SecurityContext.HTML, body);
    return [a, b];
  }
}
