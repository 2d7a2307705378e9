class PaymentsController < ApplicationController
  # ruleid: ruby-rails-csrf-disabled
  skip_before_action :verify_authenticity_token
  # ok: ruby-rails-csrf-disabled
  before_action :authenticate_user!
end
