Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    # ruleid: ruby-cors-any-origin
    origins "*"
    resource "*", headers: :any, methods: [:get, :post]
  end
  allow do
    # ok: ruby-cors-any-origin
    origins "https://app.example.com"
    resource "/api/*", headers: :any, methods: [:get]
  end
end
