print("nodulekit")
