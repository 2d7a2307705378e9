export async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // ruleid: typescript-nestjs-cors-any-origin
  app.enableCors();
  // ok: typescript-nestjs-cors-any-origin
  app.enableCors({ origin: ["https://app.example.com"], credentials: true });
  await app.listen(3000);
}
