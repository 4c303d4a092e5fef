//! Where the resident is, and where 返回 takes them.

/// A screen of the kiosk, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home,
    Guides,
    Category(String),
    Search,
    Detail(String),
    /// Identification by ID card (what for is in the session).
    Identify,
    /// A slip being printed, or shown when the printer cannot print.
    Slip,
    /// An application after identification (form, consent, review, slip, rating), or choosing one.
    Apply,
    /// 进度查询.
    Progress,
    /// 找网格员 and 代办 (its steps are in the session).
    Grid,
    /// Staff mode (PIN pad, maintenance menu and its screens).
    Staff(crate::staff::StaffView),
}

/// A stack of pages; home is always at the bottom.
#[derive(Debug, Clone)]
pub struct Nav {
    stack: Vec<Page>,
}

impl Default for Nav {
    fn default() -> Self {
        Self { stack: vec![Page::Home] }
    }
}

impl Nav {
    pub fn current(&self) -> &Page {
        self.stack.last().expect("home is never popped")
    }

    /// Goes to `page`; going to the page already shown does nothing, going home clears the stack.
    pub fn open(&mut self, page: Page) {
        if page == Page::Home {
            self.home();
        } else if *self.current() != page {
            self.stack.push(page);
        }
    }

    /// 返回: one page back; on home it stays home.
    pub fn back(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    /// 首页.
    pub fn home(&mut self) {
        self.stack.truncate(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_retraces_the_path_and_stops_at_home() {
        let mut nav = Nav::default();
        nav.open(Page::Guides);
        nav.open(Page::Category("elderly".into()));
        nav.open(Page::Detail("LL0001".into()));
        nav.back();
        assert_eq!(nav.current(), &Page::Category("elderly".into()));
        nav.back();
        nav.back();
        nav.back();
        assert_eq!(nav.current(), &Page::Home);
    }

    #[test]
    fn home_clears_everything_and_repeated_opens_do_not_stack() {
        let mut nav = Nav::default();
        nav.open(Page::Guides);
        nav.open(Page::Search);
        nav.open(Page::Search);
        nav.back();
        assert_eq!(nav.current(), &Page::Guides);
        nav.open(Page::Search);
        nav.home();
        assert_eq!(nav.current(), &Page::Home);
        nav.back();
        assert_eq!(nav.current(), &Page::Home);
    }
}
