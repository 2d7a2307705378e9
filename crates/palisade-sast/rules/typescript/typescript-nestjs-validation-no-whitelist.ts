export function configure(app: INestApplication): void {
  // ruleid: typescript-nestjs-validation-no-whitelist
  app.useGlobalPipes(new ValidationPipe({ transform: true }));
  // ok: typescript-nestjs-validation-no-whitelist
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
}
