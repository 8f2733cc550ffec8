package lab.gradient.ui;

import com.vaadin.flow.component.confirmdialog.ConfirmDialog;

/** Asks before anything that cannot be undone: one dialog with the consequence in words, Cancel as the easy way out. */
final class Confirm {
    private Confirm() {}

    static void then(String question, String consequence, String action, Runnable confirmed) {
        ConfirmDialog dialog = new ConfirmDialog(question, consequence, action, e -> confirmed.run());
        dialog.setId("confirm-dialog");
        dialog.setCancelable(true);
        dialog.setConfirmButtonTheme("error primary");
        dialog.open();
    }
}
