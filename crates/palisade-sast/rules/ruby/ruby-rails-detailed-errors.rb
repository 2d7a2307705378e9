Rails.application.configure do
  # ruleid: ruby-rails-detailed-errors
  config.consider_all_requests_local = true
  # ok: ruby-rails-detailed-errors
  config.log_level = :info
end
