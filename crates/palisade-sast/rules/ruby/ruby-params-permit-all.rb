class UsersController < ApplicationController
  def update
    # ruleid: ruby-params-permit-all
    current_user.update(params.require(:user).permit!)
    # ok: ruby-params-permit-all
    current_user.update(params.require(:user).permit(:name, :bio))
  end
end
